# scripts/lib-podman.sh: rootful podman on a machine with no Docker engine
# and no registry (sourced by scripts/test-compose and scripts/test-deb;
# the recipe is shared/CONTAINERS.md).  The caller defines log, fail and
# WORK (a temporary directory).

# podman_install PACKAGE...: installs the missing ones (apt, no Recommends:
# docker-compose's would pull in a whole dockerd).
podman_install() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        log "all present"
        return
    fi
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >"$WORK/apt.log" 2>&1 || { tail -20 "$WORK/apt.log"; fail "apt-get update"; }
    apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$WORK/apt.log" 2>&1 ||
        { tail -20 "$WORK/apt.log"; fail "apt-get install ${missing[*]}"; }
}

# podman_conf: our own containers.conf, used by every podman started from
# here (an API service inherits it): runc, not crun (cgroups hybrid mode);
# ulimits the sandbox allows; a short exec exit delay so that healthcheck
# conmons do not linger.
podman_conf() {
    local hard_nofile pid_max nproc
    hard_nofile=$(ulimit -Hn)
    [ "$hard_nofile" = unlimited ] && hard_nofile=1048576
    pid_max=$(cat /proc/sys/kernel/pid_max)
    nproc=$((pid_max < 4096 ? pid_max : 4096))
    cat >"$WORK/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$hard_nofile:$hard_nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
exit_command_delay = 5
CONF
    export CONTAINERS_CONF=$WORK/containers.conf
}

# podman_base_image IMAGE [TAG...]: a debian:bookworm image made with
# debootstrap from the configured Debian mirror, unless IMAGE exists; then
# tagged under each TAG too (every name a FROM uses, e.g. -slim: with no
# registry, a name not tagged here would be pulled).
podman_base_image() {
    local image=$1 mirror="" rootfs tag
    shift
    if podman image exists "$image"; then
        log "present"
    else
        if [ -f /etc/apt/sources.list.d/debian.sources ]; then
            mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)
        fi
        if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
            mirror=$(awk '$1 == "deb" && $3 ~ /^bookworm/ { print $2; exit }' /etc/apt/sources.list)
        fi
        mirror=${mirror:-http://deb.debian.org/debian}
        log "debootstrap --variant=minbase bookworm from $mirror"
        rootfs=$WORK/rootfs
        mkdir "$rootfs"
        debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1 ||
            { tail -20 "$WORK/debootstrap.log"; fail "debootstrap"; }
        rm -rf "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
            "$rootfs"/var/lib/apt/lists/*
        tar -C "$rootfs" -c . | podman import - "$image" >/dev/null || fail "podman import"
        rm -rf "$rootfs"
        log "imported"
    fi
    for tag in "$@"; do
        podman image exists "$tag" || podman tag "$image" "$tag" || fail "podman tag $tag"
    done
}
