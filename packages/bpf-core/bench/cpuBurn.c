// CPU-bound workload for the profile overhead benchmark: one thread of integer
// work for argv[1] seconds, then the number of iterations done (the throughput).
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((noinline)) static unsigned long burn(unsigned long rounds)
{
	unsigned long x = 88172645463325252UL;

	for (unsigned long i = 0; i < rounds; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return x;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 10;
	double end = now_seconds() + seconds;
	unsigned long iterations = 0, sink = 0;

	while (now_seconds() < end) {
		sink += burn(100000);
		iterations++;
	}
	printf("%lu %lu\n", iterations, sink & 1);
	return 0;
}
