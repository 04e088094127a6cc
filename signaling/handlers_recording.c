/* meeting.recordings and meeting.recording_delete: watching recordings (issue 17). Starting and
 * stopping is meeting.record (handlers_control.c, rooms/meeting_record.h). */
#include "signaling/handlers.h"

const handler_def recording_handlers[] = {
    {NULL, NULL, 0},
};
