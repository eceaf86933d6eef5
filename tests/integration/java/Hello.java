// SPDX-License-Identifier: GPL-2.0-or-later
// Hello: a Java program that allocates MIB MiB of arrays, reads them back
// twice (under a cap, from swap), and runs a thread; exit 0 when every
// value read is the one written.  usage: java Hello MIB
import java.util.ArrayList;
import java.util.List;

public class Hello {
    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        List<long[]> keep = new ArrayList<>();
        long bad = 0;

        for (int i = 0; i < mib; i++) {
            long[] b = new long[131072];
            for (int j = 0; j < b.length; j++)
                b[j] = i * 31L + j;
            keep.add(b);
        }
        for (int r = 0; r < 2; r++)
            for (int i = 0; i < mib; i++) {
                long[] b = keep.get(i);
                for (int j = 0; j < b.length; j += 512)
                    bad += b[j] != i * 31L + j ? 1 : 0;
            }
        Thread t = new Thread(() -> System.out.println("thread ok"));
        t.start();
        t.join();
        System.out.println("hello " + mib + " MiB, wrong values: " + bad);
        System.exit(bad == 0 ? 0 : 1);
    }
}
