/* hello: prints the greeting of its configuration file, else "hello". */
#include <stdio.h>
#include <string.h>

int main(void)
{
    char line[256];
    const char *greeting = "hello";
#ifdef HELLO_CONF
    FILE *conf = fopen(HELLO_CONF, "r");
    if (conf) {
        while (fgets(line, sizeof line, conf)) {
            if (strncmp(line, "greeting = ", 11) == 0) {
                line[strcspn(line, "\r\n")] = '\0';
                greeting = line + 11;
                break;
            }
        }
        fclose(conf);
    }
#else
    (void)line;
#endif
    puts(greeting);
    return 0;
}
