#!/usr/bin/env bash
# Starts (or stops) two libvirt "hosts" on this machine for the libvirt tests,
# by hand: these machines have no systemd.
#
#   libvirt_hosts.sh start STATE_DIR   # prints nothing; URIs are in STATE_DIR/uris
#   libvirt_hosts.sh stop STATE_DIR
#
# Host 1 is the machine's own daemon (qemu:///system). Host 2 is a second
# libvirtd in its own mount namespace, where /etc/libvirt, /run/libvirt,
# /var/lib/libvirt, /var/log/libvirt and /var/cache/libvirt are private
# directories under STATE_DIR/host2, so its domains, pools and logs are its
# own; its socket lives outside those, reached as
# qemu+unix:///system?socket=STATE_DIR/host2/sock/libvirt-sock.
# Each daemon started here is stopped by the pid recorded at start; a daemon
# that was already running (host 1) is left alone.
set -euo pipefail

action=${1:?start|stop}
state=$(realpath -m "${2:?state directory}")
host2="$state/host2"

start_host1() {
  if [ -S /run/libvirt/libvirt-sock ] && virsh -c qemu:///system version >/dev/null 2>&1; then
    return  # already running: not ours to stop
  fi
  mkdir -p /run/libvirt
  virtlogd -d -p "$state/host1-virtlogd.pid"
  libvirtd -d -p "$state/host1-libvirtd.pid"
}

start_host2() {
  mkdir -p "$host2"/{run,lib,log,cache,sock}
  rm -rf "$host2/etc"
  cp -a /etc/libvirt "$host2/etc"
  # No default network on the second host: it would fight host 1 for virbr0;
  # no storage pools: it starts as a fresh host.
  rm -f "$host2"/etc/qemu/networks/autostart/*
  rm -rf "$host2"/etc/storage
  cat >"$host2/libvirtd.conf" <<CONF
unix_sock_dir = "$host2/sock"
unix_sock_rw_perms = "0700"
auth_unix_rw = "none"
CONF
  # The namespace lives on in the daemons after the shell exits.
  unshare --mount --propagation private sh -euc '
    h=$1
    mount --bind "$h/etc" /etc/libvirt
    mkdir -p /run/libvirt
    mount --bind "$h/run" /run/libvirt
    mount --bind "$h/lib" /var/lib/libvirt
    mount --bind "$h/log" /var/log/libvirt
    mount --bind "$h/cache" /var/cache/libvirt
    virtlogd -d -p "$h/virtlogd.pid"
    libvirtd -d -f "$h/libvirtd.conf" -p "$h/libvirtd.pid"
  ' sh "$host2"
}

wait_for() {
  local uri=$1
  for _ in $(seq 100); do
    virsh -c "$uri" version >/dev/null 2>&1 && return
    sleep 0.1
  done
  echo "libvirt_hosts.sh: $uri does not answer after 10 s" >&2
  exit 1
}

stop_pidfile() {
  local file=$1
  [ -f "$file" ] || return 0
  local pid
  pid=$(cat "$file")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  rm -f "$file"
}

# Without udev, /dev/kvm stays root-only: libvirt-qemu cannot open it, and
# libvirtd (9.0) then finds its cached QEMU capabilities stale on every
# domain start and probes QEMU again, seconds each time. Debian's udev rule
# gives it to the kvm group, libvirt-qemu's group; so does this.
kvm_for_group() {
  [ -c /dev/kvm ] && getent group kvm >/dev/null || return 0
  chgrp kvm /dev/kvm
  chmod g+rw /dev/kvm
}

case $action in
  start)
    mkdir -p "$state"
    kvm_for_group
    start_host1
    start_host2
    host2_uri="qemu+unix:///system?socket=$host2/sock/libvirt-sock"
    wait_for qemu:///system
    wait_for "$host2_uri"
    printf '%s\n' qemu:///system "$host2_uri" >"$state/uris"
    ;;
  stop)
    stop_pidfile "$host2/libvirtd.pid"
    stop_pidfile "$host2/virtlogd.pid"
    stop_pidfile "$state/host1-libvirtd.pid"
    stop_pidfile "$state/host1-virtlogd.pid"
    ;;
  *)
    echo "usage: $0 start|stop STATE_DIR" >&2
    exit 2
    ;;
esac
