module upage.test/goheap

go 1.19
