#!/usr/bin/env bash
# Builds a local PostgreSQL image from the server binaries installed on this machine, for Testcontainers
# where no image registry is reachable. The image behaves as the official postgres image does in what the
# Testcontainers.PostgreSql module relies on: POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB on first start,
# `postgres -c name=value …` as the command, pg_isready on PATH, docker-entrypoint.sh on PATH, listening on 5432.
#
# usage: .ci/postgres-image.sh IMAGE_TAG     (DOCKER_HOST must point at an engine that answers)
set -euo pipefail
tag=${1:?image tag}
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgroot=$(dirname "$bindir")
major=$(basename "$pgroot")
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

# Merged /usr, as Debian has it: everything is copied to its resolved path under /usr.
mkdir -p "$root/usr/bin" "$root/usr/lib" "$root/usr/lib64" "$root/usr/sbin" "$root/usr/local/bin" "$root/etc" \
  "$root/tmp" "$root/var/lib/postgresql" "$root/var/run/postgresql" "$root/usr/share"
chmod 1777 "$root/tmp"
ln -s usr/bin "$root/bin"; ln -s usr/lib "$root/lib"; ln -s usr/lib64 "$root/lib64"; ln -s usr/sbin "$root/sbin"

copy() { # copies a file to its resolved path in the image
  local real; real=$(readlink -f "$1")
  mkdir -p "$root$(dirname "$real")"
  cp -a "$real" "$root$real"
  if [ "$real" != "$1" ] && [ ! -e "$root$1" ]; then
    mkdir -p "$root$(dirname "$1")"; ln -s "$real" "$root$1"
  fi
}

tools=(bash sh cat mkdir chown chmod id mktemp rm ls setpriv env sleep)
elves=()
for tool in "${tools[@]}"; do
  path=$(command -v "$tool"); copy "$path"; elves+=("$(readlink -f "$path")")
done
mkdir -p "$root/usr/lib/postgresql" "$root/usr/share/postgresql"
cp -a "$pgroot" "$root/usr/lib/postgresql/"
cp -a "/usr/share/postgresql/$major" "$root/usr/share/postgresql/"
cp -a /usr/share/zoneinfo "$root/usr/share/"
mkdir -p "$root/usr/lib/locale" && cp -a /usr/lib/locale/C.utf8 "$root/usr/lib/locale/"  # the same locale as LocalPostgres
while IFS= read -r -d '' file; do elves+=("$file"); done < <(find "$pgroot" -type f \( -perm -u+x -o -name '*.so*' \) -print0)

# every shared library those programs load, with the loader itself
for elf in "${elves[@]}"; do
  ldd "$elf" 2>/dev/null | awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}' || true
done | sort -u | while read -r lib; do copy "$lib"; done

cat > "$root/etc/passwd" <<EOF
root:x:0:0:root:/root:/bin/bash
postgres:x:999:999:PostgreSQL:/var/lib/postgresql:/bin/bash
EOF
cat > "$root/etc/group" <<EOF
root:x:0:
postgres:x:999:
EOF
echo 'hosts: files' > "$root/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$root/etc/hosts"

cat > "$root/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/bash
# The official image's contract, as far as Testcontainers needs it.
set -euo pipefail
export PGDATA=${PGDATA:-/var/lib/postgresql/data}
POSTGRES_USER=${POSTGRES_USER:-postgres}
POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}
if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi
if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --clear-groups "$BASH_SOURCE" "$@"
fi
if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then echo "POSTGRES_PASSWORD must be set" >&2; exit 1; fi
  pwfile=$(mktemp)
  printf '%s' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA" --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    echo "CREATE DATABASE \"$POSTGRES_DB\";" | postgres --single -D "$PGDATA" -j postgres >/dev/null
  fi
  echo "PostgreSQL init process complete; ready for start up."
fi
if [ "$1" = postgres ]; then
  shift
  exec postgres -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql "$@"
fi
exec "$@"
EOF
chmod 755 "$root/usr/local/bin/docker-entrypoint.sh"

tar -C "$root" -c . | docker import \
  --change "ENV PATH=/usr/lib/postgresql/$major/bin:/usr/local/bin:/usr/bin:/bin PGDATA=/var/lib/postgresql/data" \
  --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
  --change 'CMD ["postgres"]' \
  --change 'EXPOSE 5432' \
  - "$tag" >/dev/null
echo "built $tag from the installed PostgreSQL $major binaries"
