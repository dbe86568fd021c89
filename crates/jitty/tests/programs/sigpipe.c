//! A C program that writes into a pipe whose read end is closed: natively
//! it is killed by SIGPIPE (the default disposition).
#include <stdio.h>
#include <unistd.h>
#include <errno.h>
#include <string.h>
int main(void) {
  int fd[2]; pipe(fd); close(fd[0]);
  ssize_t n = write(fd[1], "x", 1);
  printf("write returned %zd errno %s\n", n, strerror(errno));
  return 3;
}
