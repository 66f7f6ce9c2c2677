/*
 * kmsgdump: writes every record the kernel still holds in /dev/kmsg to
 * stdout, each exactly as one read() returned it, and stops at the end
 * instead of waiting for more. Records lost to the ring buffer (EPIPE) are
 * skipped. Static, no dependencies; runs inside the oom-lab's guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	char rec[8192 + 1];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd < 0) {
		perror("kmsgdump: /dev/kmsg");
		return 1;
	}
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			perror("kmsgdump: read");
			return 1;
		}
		if (write(STDOUT_FILENO, rec, (size_t)n) != n)
			return 1;
	}
	return 0;
}
