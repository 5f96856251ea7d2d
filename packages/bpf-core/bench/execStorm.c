// Exec storm workload for the benchmark: vfork+exec /bin/true as fast as one core
// allows for the given number of seconds, then print how many execs succeeded.
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 10;
	char *child_argv[] = {"/bin/true", "bpfscope-storm", NULL};
	struct timespec start, now;
	long execs = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		pid_t pid;
		int status;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9 >= seconds)
			break;
		if (posix_spawn(&pid, child_argv[0], NULL, NULL, child_argv, environ) != 0)
			return 1;
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
			execs++;
	}
	printf("%ld\n", execs);
	return 0;
}
