#include "util/thread.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

void morgue_thread_background(void)
{
	/* the thread's id, not 0: POSIX means the process by 0 */
	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
}
