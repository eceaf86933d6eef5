// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * heapstack - a stack in the heap: a coroutine (makecontext on a malloc'd
 * stack) whose stack pages are paged out while it is switched away, then
 * resumed, four times; it checks what it left on its stack.  And upage's
 * own handlers must carry SA_ONSTACK (Go and cgo abort otherwise), read
 * with the raw system call as Go does.  (A thread on a stack of its own
 * in the heap, pthread_attr_setstack, is not covered yet: altstack.c.)
 *
 * usage: heapstack   (run under a cap of a few MiB: it touches 48 MiB)
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#define PAGE		4096
#define CO_STACK	(256u << 10)
#define LOCAL		(96u << 10)	/* bytes of stack each one fills */
#define ROUNDS		4

#include "push_out.h"

static int errors;
static char *heap;	/* the stack: a fresh extent of the paged heap */

/* The kernel's struct sigaction, as rt_sigaction takes it. */
struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};

static void check_onstack(void)
{
	const int sigs[] = { SIGSEGV, SIGBUS, SIGSYS };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct ksigaction k;

		if (syscall(SYS_rt_sigaction, sigs[i], NULL, &k, 8))
			continue;
		if (k.handler != SIG_DFL && k.handler != SIG_IGN && !(k.flags & SA_ONSTACK)) {
			fprintf(stderr, "heapstack: the handler of signal %d lacks SA_ONSTACK\n",
				sigs[i]);
			errors++;
		}
	}
}

static ucontext_t main_ctx, co_ctx;

static uint64_t word(int round, size_t i)
{
	return (uint64_t)(i * 2654435761u) ^ ((uint64_t)round << 40);
}

/* Fill LOCAL bytes of the current stack, let the caller page it out,
 * check them. */
static int fill_wait_check(int round, void (*wait)(void))
{
	volatile uint64_t local[LOCAL / 8];
	int bad = 0;

	for (size_t i = 0; i < LOCAL / 8; i++)
		local[i] = word(round, i);
	wait();
	for (size_t i = 0; i < LOCAL / 8; i++)
		bad += local[i] != word(round, i);
	return bad;
}

static void co_yield(void)
{
	swapcontext(&co_ctx, &main_ctx);
}

static int co_bad;

static void coroutine(void)
{
	for (int r = 0; r < ROUNDS; r++)
		co_bad += fill_wait_check(r, co_yield);
}

static void t_coroutine(void)
{
	char *stack = heap;

	getcontext(&co_ctx);
	co_ctx.uc_stack.ss_sp = stack;
	co_ctx.uc_stack.ss_size = CO_STACK;
	co_ctx.uc_link = &main_ctx;
	makecontext(&co_ctx, coroutine, 0);
	for (int r = 0; r <= ROUNDS; r++) {
		swapcontext(&main_ctx, &co_ctx);	/* runs until it yields or ends */
		push_out();
	}
	if (co_bad) {
		fprintf(stderr, "heapstack: the coroutine's stack lost %d words\n", co_bad);
		errors++;
	}
}

int main(void)
{
	alarm(120);
	heap = aligned_alloc(PAGE, 4u << 20);
	if (!heap)
		return 2;
	check_onstack();
	t_coroutine();
	if (errors)
		fprintf(stderr, "heapstack: %d failed\n", errors);
	return errors ? 1 : 0;
}
