/* Files compiled into the binary by tools/embed.cmake: the SQL migrations and the reference
 * data of data/ (consortia.tsv, launch-event.tsv). */
#ifndef MOA_STORAGE_EMBEDDED_H
#define MOA_STORAGE_EMBEDDED_H

extern const char *const moa_migrations[];
extern const int moa_migrations_count;
extern const char *const moa_data[];
extern const char *const moa_data_names[];
extern const int moa_data_count;

/* The text of data/<name> (e.g. "consortia.tsv"), or NULL if no such file was embedded. */
const char *embedded_data(const char *name);

#endif
