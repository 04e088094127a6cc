/* `moa rec ...`: the operators' recording commands (today: finalize). */
#ifndef MOA_GATEWAY_REC_CLI_H
#define MOA_GATEWAY_REC_CLI_H

/* argv[0] is "rec". Prints to stdout/stderr. Returns the exit status: for finalize 0 complete,
 * 1 incomplete, 2 failed or a usage error; 0 for --help. */
int rec_cli_main(int argc, char **argv);

#endif
