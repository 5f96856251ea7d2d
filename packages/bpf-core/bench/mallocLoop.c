// Workload for the uprobe "spec → first event" figure: malloc(2,000,000) every
// 100 µs until killed, so a probe on malloc (size > 1000000) fires within
// a fraction of a millisecond of being live.
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
	for (;;) {
		/* volatile: the compiler may drop a malloc whose block is never used */
		void *volatile block = malloc(2000000);

		free(block);
		usleep(100);
	}
}
