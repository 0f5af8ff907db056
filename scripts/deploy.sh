#!/bin/sh
# `make deploy REMOTE=<name>`: build the site strictly and push it to the gh-pages
# branch of the git remote you name (then choose Settings → Pages → Deploy from a
# branch: gh-pages). There is no default remote: in a clone, `origin` is wherever
# you cloned from, which need not be where the briefing should be published.
#
#   scripts/deploy.sh REMOTE [MKDOCS]    # MKDOCS: the mkdocs command (default .venv/bin/mkdocs)
set -eu

remote="${1:-}"
mkdocs="${2:-.venv/bin/mkdocs}"

remotes() {
  names="$(git remote 2>/dev/null | tr '\n' ' ')"
  if [ -n "$names" ]; then
    echo "the remotes of this repository: $names(see them with: git remote -v)" >&2
  else
    echo "this repository has no remote yet: git remote add NAME URL" >&2
  fi
}

if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "make deploy: not a git repository; gh-deploy pushes a branch of one" >&2
  exit 2
fi
if [ -z "$remote" ]; then
  echo "make deploy: name the git remote to publish to, e.g. make deploy REMOTE=origin" >&2
  remotes
  exit 2
fi
if ! git remote get-url -- "$remote" >/dev/null 2>&1; then
  echo "make deploy: '$remote' is not a remote of this repository" >&2
  remotes
  exit 2
fi
if [ "$(git symbolic-ref --quiet --short HEAD 2>/dev/null || true)" = gh-pages ]; then
  echo "make deploy: you are on the gh-pages branch; switch to the briefing's branch first" >&2
  exit 2
fi
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then
  echo "note: uncommitted changes are published too; the gh-pages commit names $(git rev-parse --short HEAD)"
fi

# Continue the remote's gh-pages history (a fresh clone has no local gh-pages branch,
# and a push without it would be refused as non-fast-forward).
if git ls-remote --exit-code --heads -- "$remote" gh-pages >/dev/null 2>&1; then
  git fetch --quiet -- "$remote" "+refs/heads/gh-pages:refs/heads/gh-pages"
fi

echo "building strictly and publishing to $remote ($(git remote get-url -- "$remote")), branch gh-pages"
"$mkdocs" gh-deploy --strict --remote-name "$remote" --remote-branch gh-pages
