// Open storm workload for the benchmark: open() and close() one file as fast as one
// core allows for the given number of seconds, then print how many opens succeeded.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 10;
	const char *path = argc > 2 ? argv[2] : "/etc/hostname";
	struct timespec start, now;
	long opens = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int fd;

		/* The clock every 1024 opens: reading it is not free next to an open. */
		if ((opens & 1023) == 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if ((now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9 >=
			    seconds)
				break;
		}
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return 1;
		close(fd);
		opens++;
	}
	printf("%ld\n", opens);
	return 0;
}
