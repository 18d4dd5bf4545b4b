# Sourced by the setup scripts: pick the newest Python >= 3.12 and make .venv with it.
set -euo pipefail

python_candidates() {
    for name in python3.14 python3.13 python3.12 python3 python; do
        command -v "$name" 2>/dev/null || true
    done
    ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 2>/dev/null || true
    ls -d /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9] 2>/dev/null || true
}

newest_python() {
    local best="" best_version=0 candidate version
    while read -r candidate; do
        # pyenv shims exist for versions that are not active: ask the interpreter itself.
        version=$("$candidate" -c 'import sys; print(sys.version_info[0] * 100 + sys.version_info[1])' 2>/dev/null) || continue
        if [ "$version" -ge 312 ] && [ "$version" -gt "$best_version" ]; then
            best="$candidate"; best_version="$version"
        fi
    done < <(python_candidates)
    echo "$best"
}

make_venv() {
    local requirements="$1"
    if [ -x .venv/bin/python ] && .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
        :
    else
        local python
        python=$(newest_python)
        if [ -z "$python" ]; then
            echo "ERROR: Python 3.12 or later is required and none was found (tried python3.14 .. python3, pyenv versions)." >&2
            exit 1
        fi
        echo "Using $python ($("$python" --version))"
        rm -rf .venv
        "$python" -m venv .venv
    fi
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r "$requirements"
}
