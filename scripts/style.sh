# scripts/style.sh: bold headings only on a terminal (sourced by scripts).
#
# STYLE_BOLD and STYLE_PLAIN are the escapes that start and end bold text
# on stdout when it is a terminal, NO_COLOR is unset or empty
# (https://no-color.org) and TERM is not "dumb"; otherwise both are empty,
# so that a log file or a pipe gets plain text.
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ] && [ "${TERM:-}" != dumb ]; then
    STYLE_BOLD=$'\033[1m'
    STYLE_PLAIN=$'\033[0m'
else
    STYLE_BOLD=
    STYLE_PLAIN=
fi
