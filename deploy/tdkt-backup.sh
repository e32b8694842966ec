#!/bin/sh
# Back up every spreadsheet and tab of the data source, as they are, to a dated SQLite file
# (tdkt copy), then delete backups older than TDKT_BACKUP_KEEP_DAYS days. Run by
# tdkt-backup.service; by hand: sudo -u tdkt env $(cat /etc/tdkt/tdkt.env) deploy/tdkt-backup.sh
#   TDKT_SOURCE            the app's source (demo, sqlite:…, xlsx:…, gsheets:…, postgresql://…)
#   TDKT_BACKUP_DIR        where the copies go (default /var/backups/tdkt)
#   TDKT_BACKUP_KEEP_DAYS  how long a copy is kept (default 60)
#   TDKT_BIN               the tdkt command (default: next to this script, ../.venv/bin/tdkt)
# A restore is the same command the other way round:
#   tdkt copy --from sqlite:/var/backups/tdkt/tdkt-2026-12-01-023000.sqlite --to "$TDKT_SOURCE"
set -eu
: "${TDKT_SOURCE:?TDKT_SOURCE chưa đặt (nguồn dữ liệu cần sao lưu, xem /etc/tdkt/tdkt.env)}"
here=$(cd "$(dirname "$0")" && pwd)
tdkt=${TDKT_BIN:-$here/../.venv/bin/tdkt}
dir=${TDKT_BACKUP_DIR:-/var/backups/tdkt}
keep=${TDKT_BACKUP_KEEP_DAYS:-60}
mkdir -p "$dir"
out="$dir/tdkt-$(date +%Y-%m-%d-%H%M%S).sqlite"
# a half-written copy never looks like a backup
if ! "$tdkt" copy --from "$TDKT_SOURCE" --to "sqlite:$out"; then
  rm -f "$out" "$out-wal" "$out-shm"
  echo "Sao lưu KHÔNG thành công: $TDKT_SOURCE" >&2
  exit 1
fi
echo "Đã sao lưu vào $out"
find "$dir" -maxdepth 1 -name 'tdkt-*.sqlite' -mtime +"$keep" -print -delete
