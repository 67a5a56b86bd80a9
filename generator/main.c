#include <stdio.h>
int main(void) { puts("morgue"); return 0; }
