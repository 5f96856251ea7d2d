// Syscall storm workload for the custom-probe benchmark: getppid() as fast as
// one core allows for the given number of seconds (checking the clock every
// 4,096 calls), then print how many calls it made.
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 5;
	struct timespec start, now;
	long calls = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		for (int i = 0; i < 4096; i++)
			syscall(SYS_getppid);
		calls += 4096;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9 >= seconds)
			break;
	}
	printf("%ld\n", calls);
	return 0;
}
