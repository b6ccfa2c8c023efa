/*  opcat-pipeline version: logged by every daemon at start. */
#ifndef OPCAT_VERSION_H
#define OPCAT_VERSION_H

#define OPCAT_VERSION_MAJOR 0
#define OPCAT_VERSION_MINOR 1
#define OPCAT_VERSION_PATCH 0
#define OPCAT_VERSION_STRING "0.1.0"

#endif
