/* hello-daemon for Windows: a minimal real service. It reports RUNNING to
 * the service control manager and waits until it is told to stop. */
#include <windows.h>
#include <stdio.h>

static SERVICE_STATUS_HANDLE handle;
static SERVICE_STATUS status;
static HANDLE stop_event;

static void report(DWORD state)
{
    status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    status.dwCurrentState = state;
    status.dwControlsAccepted =
        state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
    SetServiceStatus(handle, &status);
}

static DWORD WINAPI control(DWORD code, DWORD type, LPVOID data, LPVOID context)
{
    (void)type;
    (void)data;
    (void)context;
    switch (code) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
        report(SERVICE_STOP_PENDING);
        SetEvent(stop_event);
        return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
        return NO_ERROR;
    default:
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

static void WINAPI service_main(DWORD argc, LPSTR *argv)
{
    (void)argc;
    (void)argv;
    handle = RegisterServiceCtrlHandlerExA("hello-daemon", control, NULL);
    if (!handle)
        return;
    stop_event = CreateEventA(NULL, TRUE, FALSE, NULL);
    report(SERVICE_RUNNING);
    WaitForSingleObject(stop_event, INFINITE);
    report(SERVICE_STOPPED);
}

int main(void)
{
    SERVICE_TABLE_ENTRYA table[] = {{"hello-daemon", service_main}, {NULL, NULL}};
    if (!StartServiceCtrlDispatcherA(table)) {
        fputs("hello-daemon: start me as a Windows service (sc start hello-daemon)\n", stderr);
        return 1;
    }
    return 0;
}
