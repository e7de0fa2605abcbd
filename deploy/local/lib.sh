# Shared by deploy/local/{up,down,status,smoke-test}. Sourced, not run.
# Everything here works from any working directory and needs only bash, a JDK 17+ and coreutils;
# curl is used when present (bash's /dev/tcp otherwise).
# shellcheck disable=SC2034 # the variables are used by the scripts that source this file

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE_DIR="${STEVEDORE_STATE_DIR:-$ROOT/.stevedore}"
RUN_DIR="$STATE_DIR/run"
LOG_DIR="$STATE_DIR/logs"
DATA_DIR="$STATE_DIR/data"
READY_FILE="$RUN_DIR/stack.ready"
STACK_PID_FILE="$RUN_DIR/stack.pid"
STACK_LOG="$LOG_DIR/stack.log"
STACK_MAIN="io.stevedore.localstack.Servers"
STACK_CLASSES="$ROOT/deploy/local-stack/target/classes"
STACK_CLASSPATH_FILE="$STACK_CLASSES/io/stevedore/localstack/server.classpath"

PG_PORT=15432
SQS_PORT=9324
S3_PORT=9000
STACK_PORTS=("$PG_PORT" "$SQS_PORT" "$S3_PORT")

# name:module:port, in start order (they start in parallel; the order is for output only).
SERVICES=(
  "scheduler:scheduler-service:8081"
  "orchestrator:orchestrator-service:8082"
  "scaler:scaler-service:8083"
  "validation:validation-service:8084"
  "cost:cost-service:8085"
  "security-gate:security-gate:8086"
)

# The stage container (etl-worker), run by the orchestrator's local launcher for built-in stage
# types, and its JVM options (comma-separated: they become part of a list setting).
WORKER_JAR="$ROOT/etl-worker/target/quarkus-app/quarkus-run.jar"
WORKER_JAVA_OPTS="${STEVEDORE_WORKER_JAVA_OPTS:--XX:TieredStopAtLevel=1,-XX:+UseSerialGC,-Xmx512m}"
# The demo's client (deploy/demo): its classes and the classpath file Maven writes.
DEMO_CLASSES="$ROOT/deploy/demo/target/classes"
DEMO_CLASSPATH_FILE="$ROOT/deploy/demo/target/demo.classpath"

# Buckets the services and the worker use locally (S3Proxy, filesystem backend under data/s3).
BUCKETS=(stevedore-stages stevedore-quarantine stevedore-reports raw lake)

# Keys generated once per state directory (mode 600, never printed): the bootstrap admin key and
# the orchestrator's service key for security-gate, passed to the services as environment.
SECRETS_FILE="$STATE_DIR/secrets.env"

S3_ACCESS_KEY=stevedore-local
S3_SECRET_KEY=stevedore-local-secret

STOP_TIMEOUT="${STEVEDORE_STOP_TIMEOUT:-20}"

# JVM options of each service. C1 only (TieredStopAtLevel=1): on a 2-core machine a service then
# starts in about 3 s instead of 7-10 s, and six starting together compete far less for the CPU;
# peak throughput, which a local stack does not need, is lower. Override with STEVEDORE_JAVA_OPTS.
SERVICE_JAVA_OPTS="${STEVEDORE_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"

say() { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

svc_name() { printf '%s' "${1%%:*}"; }
svc_module() {
  local rest="${1#*:}"
  printf '%s' "${rest%%:*}"
}
svc_port() { printf '%s' "${1##*:}"; }
svc_jar() { printf '%s' "$ROOT/$(svc_module "$1")/target/quarkus-app/quarkus-run.jar"; }
svc_pid_file() { printf '%s' "$RUN_DIR/$(svc_name "$1").pid"; }
svc_log() { printf '%s' "$LOG_DIR/$(svc_name "$1").log"; }

java_bin() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    printf '%s' "$JAVA_HOME/bin/java"
  elif command -v java >/dev/null 2>&1; then
    command -v java
  else
    die "no java found: install a JDK 17+ or set JAVA_HOME"
  fi
}

require_java17() {
  local java version major
  java="$(java_bin)"
  version="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  major="${version%%.*}"
  if [[ -z "$major" || "$major" -lt 17 ]]; then
    die "$java is Java ${version:-unknown}; the local stack needs Java 17 or newer (set JAVA_HOME)"
  fi
}

# True when the process exists and is not a zombie (a container's init may not reap orphans).
pid_alive() {
  local pid="$1" state
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/stat" ]]; then
    state="$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$pid/stat" 2>/dev/null || true)"
    [[ "$state" != "Z" && "$state" != "X" ]] || return 1
  fi
  return 0
}

# The command line of a process, for telling our process from one that reused its pid.
pid_cmdline() {
  local pid="$1"
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true
  else
    ps -p "$pid" -o command= 2>/dev/null || true
  fi
}

# pid of a pid file when that process is alive and its command line contains the marker; else
# nothing (and the stale pid file is removed).
live_pid() {
  local file="$1" marker="$2" pid
  [[ -f "$file" ]] || return 1
  pid="$(tr -dc '0-9' <"$file")"
  if pid_alive "$pid" && [[ "$(pid_cmdline "$pid")" == *"$marker"* ]]; then
    printf '%s' "$pid"
    return 0
  fi
  rm -f "$file"
  return 1
}

stack_pid() { live_pid "$STACK_PID_FILE" "$STACK_MAIN"; }
svc_pid() { live_pid "$(svc_pid_file "$1")" "$(svc_module "$1")/target/quarkus-app/quarkus-run.jar"; }

# The postmaster of the data directory, when one runs (it outlives a kill -9 of the stack JVM).
postmaster_pid() {
  local file="$DATA_DIR/pg/postmaster.pid" pid
  [[ -f "$file" ]] || return 1
  pid="$(head -n 1 "$file" | tr -dc '0-9')"
  if pid_alive "$pid" && [[ "$(pid_cmdline "$pid")" == *postgres* ]]; then
    printf '%s' "$pid"
    return 0
  fi
  return 1
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# HTTP status code of a GET on 127.0.0.1 (000 when nothing answers).
http_status() {
  local port="$1" path="$2" code
  if command -v curl >/dev/null 2>&1; then
    code="$(curl -s -o /dev/null -m 3 -w '%{http_code}' "http://127.0.0.1:$port$path" 2>/dev/null)" || true
  else
    # shellcheck disable=SC2016 # the inner script expands its own positional parameters
    code="$(timeout 3 bash -c '
      exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
      printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" "$1" >&3
      IFS=" " read -r _ status _ <&3 && printf "%s" "$status"' "$port" "$path" 2>/dev/null)" || true
  fi
  printf '%s' "${code:-000}"
}

svc_ready() { [[ "$(http_status "$(svc_port "$1")" /q/health/ready)" == 200 ]]; }

# Sends SIGTERM to the given pids, waits up to STOP_TIMEOUT seconds for all, then SIGKILLs the rest.
stop_pids() {
  local label="$1" sig="${2:-TERM}"
  shift 2
  local pids=("$@") pid waited=0 left
  ((${#pids[@]})) || return 0
  for pid in "${pids[@]}"; do kill "-$sig" "$pid" 2>/dev/null || true; done
  while :; do
    left=()
    for pid in "${pids[@]}"; do pid_alive "$pid" && left+=("$pid"); done
    ((${#left[@]})) || break
    if ((waited >= STOP_TIMEOUT * 10)); then
      warn "$label: pid(s) ${left[*]} still running after ${STOP_TIMEOUT}s; sending SIGKILL"
      for pid in "${left[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
      sleep 0.5
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

# What the last start of a service logged, readable: for JSON lines the level and every "message"
# (the log message and the messages of its exception chain), other lines as they are.
log_excerpt() {
  local file="$1" start line level messages
  [[ -f "$file" ]] || return 0
  start="$(grep -n '^=== .* starting ' "$file" | tail -n 1 | cut -d: -f1 || true)"
  tail -n "+${start:-1}" "$file" | tail -n 12 | while IFS= read -r line; do
    if [[ "$line" == "{"* ]]; then
      level="$(sed -nE 's/.*"level":"([A-Z]+)".*/\1/p' <<<"$line" || true)"
      messages="$(grep -oE '"message":"([^"\\]|\\.)*"' <<<"$line" |
        sed -E 's/^"message":"//; s/"$//; s/\\n-{20,}.*//' | head -n 6 | sed '2,$s/^/ <- /' | tr -d '\n' || true)"
      printf '    %s %s\n' "${level:-?}" "$messages" | cut -c1-500
    else
      printf '    %s\n' "$line" | cut -c1-500
    fi
  done
}

# Creates $SECRETS_FILE on first use; exports the services' key settings from it.
load_secrets() {
  if [[ ! -f "$SECRETS_FILE" ]]; then
    mkdir -p "$STATE_DIR"
    (
      umask 077
      {
        printf 'STEVEDORE_AUTH_ADMIN_KEY=%s\n' "admin-$(random_hex 24)"
        printf 'ORCHESTRATOR_SERVICE_KEY=%s\n' "svc-orchestrator-$(random_hex 24)"
      } >"$SECRETS_FILE"
    )
  fi
  local admin service
  admin="$(sed -n 's/^STEVEDORE_AUTH_ADMIN_KEY=//p' "$SECRETS_FILE")"
  service="$(sed -n 's/^ORCHESTRATOR_SERVICE_KEY=//p' "$SECRETS_FILE")"
  [[ -n "$admin" && -n "$service" ]] || die "$SECRETS_FILE is incomplete; delete it to make new keys"
  export STEVEDORE_AUTH_ADMIN_KEY="$admin"
  # security-gate knows the orchestrator's key by its SHA-256 only.
  STEVEDORE_AUTH_SERVICE_KEYS_ORCHESTRATOR="$(printf '%s' "$service" | sha256_hex)"
  export STEVEDORE_AUTH_SERVICE_KEYS_ORCHESTRATOR
  export STEVEDORE_ORCHESTRATOR_SECURITY_GATE_API_KEY="$service"
  export STEVEDORE_ORCHESTRATOR_SECURITY_GATE_URL="${STEVEDORE_ORCHESTRATOR_SECURITY_GATE_URL:-http://127.0.0.1:8086}"
}

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

sha256_hex() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum | cut -d' ' -f1
  else
    shasum -a 256 | cut -d' ' -f1
  fi
}

print_urls() {
  local entry port
  say ""
  say "Stevedore local stack (all on 127.0.0.1):"
  printf '  %-14s %-24s %-38s %s\n' service API health metrics
  for entry in "${SERVICES[@]}"; do
    port="$(svc_port "$entry")"
    printf '  %-14s %-24s %-38s %s\n' "$(svc_name "$entry")" "http://127.0.0.1:$port/" \
      "http://127.0.0.1:$port/q/health/ready" "http://127.0.0.1:$port/q/metrics"
  done
  say "  swagger-ui:    http://127.0.0.1:<port>/q/swagger-ui  (OpenAPI at /q/openapi)"
  say "  postgres:      jdbc:postgresql://127.0.0.1:$PG_PORT/stevedore  (postgres/postgres)"
  say "  sqs:           http://127.0.0.1:$SQS_PORT  (ElasticMQ, region us-east-1, any credentials)"
  say "  s3:            http://127.0.0.1:$S3_PORT  (S3Proxy, path-style, $S3_ACCESS_KEY / $S3_SECRET_KEY)"
  say "  logs:          $LOG_DIR/"
  say "  keys:          $SECRETS_FILE  (the admin key creates teams: POST /admin/teams on the scheduler)"
}
