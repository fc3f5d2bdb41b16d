#!/bin/bash
# Entry point of the deepnb students' image, in the manner of Jupyter docker-stacks' start scripts:
#
#   start-notebook.sh [ARGS...]
#
# 1. Never runs Jupyter as root: started as root (docker run --user root), it re-executes itself as
#    $NB_USER (uid $NB_UID, gid $NB_GID).
# 2. Copies the lecture notebooks of the course (/opt/deepnb/notebooks) into ~/work on first start.
#    A notebook already there is never overwritten: it is the student's, edited or not (the course's
#    version stays readable in /opt/deepnb/notebooks).
# 3. Starts jupyterhub-singleuser when JupyterHub launched the container (JUPYTERHUB_API_TOKEN is
#    set), else the notebook server on port 8888 with token authentication (the token is
#    $JUPYTER_TOKEN, or a random one printed in the log). ARGS and $NOTEBOOK_ARGS are passed on.
set -euo pipefail

log() { [[ -n ${JUPYTER_DOCKER_STACKS_QUIET:-} ]] || echo "start-notebook: $*" >&2; }

if [[ $(id -u) == 0 ]]; then
  log "started as root; continuing as ${NB_USER} (uid ${NB_UID}, gid ${NB_GID})"
  mkdir -p "${HOME}/work"
  chown "${NB_UID}:${NB_GID}" "${HOME}" "${HOME}/work"
  exec setpriv --reuid="${NB_UID}" --regid="${NB_GID}" --init-groups --reset-env \
    env HOME="${HOME}" PATH="${PATH}" "$0" "$@"
fi

course=${DEEPNB_ROOT:-/opt/deepnb}/notebooks
work=${HOME}/work
mkdir -p "${work}"
for src in "${course}"/*.ipynb; do
  [[ -e $src ]] || continue
  dst=${work}/$(basename "${src}")
  if [[ ! -e $dst ]]; then
    cp "${src}" "${dst}"
    log "copied $(basename "${src}") into ${work}"
  fi
done

# shellcheck disable=SC2206 # NOTEBOOK_ARGS is split on spaces, as docker-stacks does.
extra=(${NOTEBOOK_ARGS:-})
if [[ -n ${JUPYTERHUB_API_TOKEN:-} ]]; then
  log "starting jupyterhub-singleuser"
  exec jupyterhub-singleuser --notebook-dir="${HOME}" "${extra[@]}" "$@"
fi
log "starting the notebook server on port 8888"
exec jupyter notebook --ip=0.0.0.0 --port=8888 --no-browser --notebook-dir="${HOME}" "${extra[@]}" "$@"
