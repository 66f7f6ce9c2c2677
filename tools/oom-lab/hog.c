/*
 * hog: the oom-lab's memory consumer, run inside the lab's guest. It takes
 * anonymous memory in steps and touches every page, so the memory is really
 * resident, then waits to be killed. Static, no dependencies.
 *
 *   hog [-n NAME] [-m MIB] [-s STEP_MIB] [-d DELAY_MS] [-a ADJ] [-w]
 *
 *   -n NAME   the process name (comm) the kernel prints, up to 15 bytes
 *   -m MIB    how much to take in all (default: until it is killed)
 *   -s MIB    step (default 4)
 *   -d MS     pause after each step (default 0)
 *   -a ADJ    write ADJ to /proc/self/oom_score_adj first
 *   -w        when all is taken, wait (default: exit 0)
 *
 * It prints "hog PID NAME start" on start, "hog PID NAME got MIB" after the
 * whole amount, and "hog PID NAME enomem MIB" when an allocation is refused
 * (strict overcommit), then exits 3.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#define MIB (1024L * 1024L)

static void set_adj(const char *adj)
{
	FILE *f = fopen("/proc/self/oom_score_adj", "w");

	if (!f || fprintf(f, "%s\n", adj) < 0 || fclose(f) != 0) {
		perror("hog: oom_score_adj");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	const char *name = "hog";
	long total = -1, step = 4, delay_ms = 0, got = 0;
	int wait = 0, c;

	while ((c = getopt(argc, argv, "n:m:s:d:a:w")) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'm':
			total = atol(optarg);
			break;
		case 's':
			step = atol(optarg);
			break;
		case 'd':
			delay_ms = atol(optarg);
			break;
		case 'a':
			set_adj(optarg);
			break;
		case 'w':
			wait = 1;
			break;
		default:
			fprintf(stderr,
			        "usage: hog [-n NAME] [-m MIB] [-s MIB] [-d MS] [-a ADJ] [-w]\n");
			return 2;
		}
	}
	if (step <= 0)
		step = 4;
	prctl(PR_SET_NAME, name, 0, 0, 0);
	printf("hog %d %s start\n", (int)getpid(), name);
	fflush(stdout);
	while (total < 0 || got < total) {
		long n = total < 0 || total - got > step ? step : total - got;
		char *p = mmap(NULL, (size_t)(n * MIB), PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			printf("hog %d %s enomem %ld\n", (int)getpid(), name, got + n);
			fflush(stdout);
			return errno == ENOMEM ? 3 : 2;
		}
		for (long i = 0; i < n * MIB; i += 4096)
			p[i] = (char)i;
		got += n;
		if (delay_ms)
			usleep((useconds_t)(delay_ms * 1000));
	}
	printf("hog %d %s got %ld\n", (int)getpid(), name, got);
	fflush(stdout);
	while (wait)
		pause();
	return 0;
}
