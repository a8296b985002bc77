# Sourced by the test scripts that run a real outside tool from PyPI (tests/*/check.sh).
#
#   check_name="dolma check"; source tests/venv.sh
#   ensure_venv "$target/venv-dolma" dolma 1.2.1 [more pip requirements...]
#
# ensure_venv makes the virtualenv and pip-installs DIST==VERSION (and the extra
# requirements) into it when it is missing or holds another version, so that a second run
# takes no install time. fail prints "<check_name>: FAIL: ..." and exits 1.

fail() {
    echo "$check_name: FAIL: $*" >&2
    exit 1
}

ensure_venv() {
    local venv=$1 dist=$2 version=$3
    shift 3
    if "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('$dist') != '$version')" \
        2>/dev/null; then
        return
    fi
    echo "$check_name: installing $dist $version into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$dist==$version" "$@"
}
