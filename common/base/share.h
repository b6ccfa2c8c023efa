/*  share: where a program finds its read-only files (the dataset, the
    regional groups, the State names, the dashboard).

    One lookup for every program, so that an installed program reads the
    installed files and a program run from the build tree reads the
    checkout's:

      1. $OPCAT_SHARE/NAME, when OPCAT_SHARE is set and not empty;
      2. PREFIX/share/opcat/NAME, where the program is PREFIX/bin/PROGRAM
         (as cmake --install and the Debian package put it), when that
         directory exists;
      3. SOURCE/REL, where SOURCE is the checkout the program was built
         from and REL the file's place in it (for build-tree runs only). */
#ifndef OPCAT_SHARE_H
#define OPCAT_SHARE_H

/*  The path of 'name' ("" for the directory itself) as seen by the program
    at path 'exe', per the order above; 'source_rel' is its place in the
    checkout ("data/regions.tsv", "services/gatewayd/www").  A new string
    the caller frees, NULL when out of memory. */
char *share_path_for(const char *exe, const char *name, const char *source_rel);

/*  The same for the running program (/proc/self/exe). */
char *share_path(const char *name, const char *source_rel);

#endif
