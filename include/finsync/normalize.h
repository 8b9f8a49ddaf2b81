/*
 * normalize.h - name normalisation v1 for duplicate detection:
 * Unicode NFKC with full case folding (utf8proc), trimmed, every run of
 * Unicode white space collapsed to one space.  Accents are kept.
 */
#ifndef FINSYNC_NORMALIZE_H
#define FINSYNC_NORMALIZE_H

#define NORMALIZE_VERSION 1

/* New string (xfree); NULL for NULL or invalid UTF-8. */
char *name_normalize(const char *s);

#endif
