# Developer and CI entry points. `make test` runs every check; `make demo`
# runs playbooks/demo.yml against an emulated OpenVZ host.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

# pyenv's Python (3.11 here); CI's PATH may lack pyenv's shims.
PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/shims/python3) python3)
VENV := .venv
VPY := $(CURDIR)/$(VENV)/bin/python
VBIN := $(CURDIR)/$(VENV)/bin
VENV_STAMP := $(VENV)/.installed-requirements-dev
# The oldest ansible-core meta/runtime.yml claims, for the tests that run the
# inventory plugin under it (tests/integration/test_inventory_unsafe.py,
# tests/repo/test_unsafe_on_each_core.py): a link to
# the matrix's venv of that core, under the name they use.
VENV_CORE216 := .venv-core216
# The ansible-core matrix (tests/matrix/cores.py): venvs in .cache/matrix/.
MATRIX_PY := $(VPY) $(CURDIR)/tests/matrix

APT_PACKAGES := busybox-static libxml2-utils libvirt-clients util-linux openssh-server openssh-client iproute2 python3 sudo

# ansible-test 2.19 bootstraps pip 24.2 from a download this machine cannot
# reach; it uses a script cached under this name instead (see
# tests/harness/get_pip_standin.py).
GET_PIP_CACHE := $(HOME)/.ansible/test/cache/get_pip_24_2.py
# ansible-test refuses a symlinked collection path, so sanity runs in a copy;
# outside the work tree, or ansible-test lists files through this repo's git
# and finds none. One copy per checkout, kept so its venv is reused.
SANITY_ROOT := /tmp/openvz-vz-sanity-$(shell printf '%s' '$(CURDIR)' | md5sum | cut -c1-8)
SANITY_COPY := $(SANITY_ROOT)/ansible_collections/openvz/vz

PYTEST_ARGS ?= -n 2
VERMIN_DIRS := plugins/modules plugins/module_utils
LINT_DIRS := playbooks roles

export ANSIBLE_NOCOLOR := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: venv venv-core216 apt-deps test pytest unit units sanity vermin lint demo clean bench docs \
  matrix matrix-venvs matrix-sanity matrix-unit matrix-smoke

venv: $(VENV_STAMP)

$(VENV_STAMP): requirements-dev.txt
	@if [ ! -x $(VPY) ]; then $(PYTHON) -m venv $(VENV); fi
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

venv-core216: matrix-venvs
	@target=$$(cd tests && $(VPY) -c 'from matrix.cores import OLDEST, REPO_ROOT; print(OLDEST.path.relative_to(REPO_ROOT))'); \
	if [ -d $(VENV_CORE216) ] && [ ! -L $(VENV_CORE216) ]; then rm -rf $(VENV_CORE216); fi; \
	ln -sfn "$$target" $(VENV_CORE216)

# Each venv of the matrix, built once (a stamp keyed by the interpreter's and
# the requirements' versions); one whose Python is missing is skipped.
matrix-venvs: venv
	$(MATRIX_PY)/venvs.py

# ansible-test sanity under the oldest and the newest core, both at once:
# much of a sanity run is one process at a time.
MATRIX_SANITY_JOBS ?= 2
matrix-sanity: matrix-venvs
	$(MATRIX_PY)/ends.py --jobs $(MATRIX_SANITY_JOBS) sanity $(SANITY_ROOT)

# The unit tests that import ansible, under the oldest and the newest core.
matrix-unit: matrix-venvs venv-core216 apt-deps
	$(MATRIX_PY)/ends.py unit -q -p no:cacheprovider $(PYTEST_ARGS)

# One playbook per core against an emulated host (tests/matrix/test_smoke.py).
matrix-smoke: matrix-venvs apt-deps
	$(VBIN)/pytest $(PYTEST_ARGS) -p no:cacheprovider tests/matrix

matrix: matrix-sanity matrix-unit matrix-smoke

apt-deps:
	@missing=(); \
	for pkg in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$$pkg"); \
	done; \
	if (( $${#missing[@]} )); then \
	  echo "apt-deps: installing $${missing[*]}"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq; \
	  apt-get install -y -qq --no-install-recommends "$${missing[@]}" </dev/null; \
	fi

# Runs every check even when an earlier one fails, then reports failure.
# pytest runs last so its summary is the closing line of the output.
test: venv apt-deps
	@status=0; \
	for step in matrix-sanity vermin lint units matrix-unit matrix-smoke; do \
	  start=$$SECONDS; \
	  $(MAKE) --no-print-directory $$step || { status=1; echo "make test: $$step FAILED"; }; \
	  echo "make test: $$step took $$((SECONDS - start))s"; \
	done; \
	$(MAKE) --no-print-directory pytest || { status=1; echo "make test: pytest FAILED"; }; \
	exit $$status

pytest: venv venv-core216 apt-deps
	$(VBIN)/pytest $(PYTEST_ARGS)

unit: venv apt-deps
	$(VBIN)/pytest $(PYTEST_ARGS) tests/unit tests/repo tests/emulator/tests tests/harness/tests

sanity: venv
	install -D -m 0644 tests/harness/get_pip_standin.py $(GET_PIP_CACHE)
	cd tests && $(VPY) -m harness.collection_copy $(SANITY_COPY)
	cd $(SANITY_COPY) && $(VBIN)/ansible-test sanity --venv --python 3.11 --color no

# The unit tests the ecosystem's way (tests/unit only: they need neither the
# harness nor the emulator), in the same copy as sanity.
units: venv apt-deps
	install -D -m 0644 tests/harness/get_pip_standin.py $(GET_PIP_CACHE)
	cd tests && $(VPY) -m harness.collection_copy $(SANITY_COPY)
	cd $(SANITY_COPY) && $(VBIN)/ansible-test units --venv --python 3.11 --color no

# vermin exits non-zero when given no Python files, so skip empty dirs.
vermin: venv
	@files=$$(find $(VERMIN_DIRS) -name '*.py' -type f | sort); \
	if [ -z "$$files" ]; then echo "vermin: no Python files in $(VERMIN_DIRS)"; exit 0; fi; \
	$(VBIN)/vermin -t=3.6- --violations --eval-annotations --no-tips $$files

lint: venv
	@dirs=(); \
	for d in $(LINT_DIRS); do \
	  if find "$$d" -name '*.yml' -o -name '*.yaml' | grep -q .; then dirs+=("$$d"); fi; \
	done; \
	if (( ! $${#dirs[@]} )); then echo "ansible-lint: no YAML in $(LINT_DIRS)"; exit 0; fi; \
	mkdir -p .cache/lint-collections/ansible_collections/openvz; \
	ln -sfn "$(CURDIR)" .cache/lint-collections/ansible_collections/openvz/vz; \
	NO_COLOR=1 PATH="$(VBIN):$$PATH" ANSIBLE_COLLECTIONS_PATH="$(CURDIR)/.cache/lint-collections" \
	  $(VBIN)/ansible-lint --offline --profile production "$${dirs[@]}"
	@# The plugins' documentation as the docs site reads it (O(...) references, markup).
	PATH="$(VBIN):$$PATH" ANSIBLE_COLLECTIONS_PATH="$(CURDIR)/.cache/lint-collections" \
	  $(VBIN)/antsibull-docs lint-collection-docs --plugin-docs .cache/lint-collections/ansible_collections/openvz/vz

DEMO_FLAVOUR ?= legacy
demo: venv apt-deps
	cd tests && $(VPY) -m harness.demo_host --flavour $(DEMO_FLAVOUR)

clean:
	rm -rf $(VENV) $(VENV_CORE216) .cache collections tests/output .pytest_cache $(SANITY_ROOT) $(SANITY_ROOT)-*

# The modules and plugins side by side with their baselines, on emulated
# hosts (benchmarks/bench.py, docs/performance.md); prints, fails on nothing.
# QUICK=1: fewer repeats and smaller N, a few minutes. BENCH_ARGS: e.g.
# --sections noop,create --repeats 3 --json out.json.
QUICK ?=
BENCH_ARGS ?=
bench: venv apt-deps
	$(VPY) benchmarks/bench.py $(if $(QUICK),--quick) $(BENCH_ARGS)

# HTML docs of the collection (modules, plugins, roles, the user guide in
# docs/docsite/) with antsibull-docs and Sphinx, into build/docs/html.
# Offline: intersphinx is left out (its inventories would be downloaded).
DOCS_BUILD := build/docs
DOCS_COLLECTIONS := .cache/docs-collections
# Labels of docs.ansible.com pages, which only intersphinx would resolve: the
# one kind of warning that does not fail the build.
DOCS_EXTERNAL_LABELS := undefined label: '(ansible_collections\.ansible\.builtin\.[a-z_]+|common_return_values|ansible_configuration_settings|action_plugins)'
docs: venv
	rm -rf $(DOCS_BUILD)
	mkdir -p $(DOCS_COLLECTIONS)/ansible_collections/openvz $(DOCS_BUILD)/site
	chmod go-w $(DOCS_BUILD)/site
	ln -sfn "$(CURDIR)" $(DOCS_COLLECTIONS)/ansible_collections/openvz/vz
	PATH="$(VBIN):$$PATH" ANSIBLE_COLLECTIONS_PATH="$(CURDIR)/$(DOCS_COLLECTIONS)" \
	  $(VBIN)/antsibull-docs lint-collection-docs --plugin-docs \
	    $(DOCS_COLLECTIONS)/ansible_collections/openvz/vz
	PATH="$(VBIN):$$PATH" ANSIBLE_COLLECTIONS_PATH="$(CURDIR)/$(DOCS_COLLECTIONS)" \
	  $(VBIN)/antsibull-docs sphinx-init --use-current --fail-on-error --lenient \
	    --dest-dir $(DOCS_BUILD)/site --project openvz.vz --copyright "openvz.vz contributors" --title "openvz.vz collection" \
	    --html-short-title openvz.vz openvz.vz
	cd $(DOCS_BUILD)/site && mkdir -p rst && chmod og-w rst && \
	  PATH="$(VBIN):$$PATH" ANSIBLE_COLLECTIONS_PATH="$(CURDIR)/$(DOCS_COLLECTIONS)" \
	  $(VBIN)/antsibull-docs --config-file antsibull-docs.cfg collection --cleanup everything \
	    --use-current --fail-on-error --dest-dir rst openvz.vz
	$(VBIN)/sphinx-build -q --keep-going -b html -c $(DOCS_BUILD)/site \
	  -D extensions=sphinx.ext.autodoc,sphinx_antsibull_ext -w $(DOCS_BUILD)/warnings.log \
	  $(DOCS_BUILD)/site/rst $(DOCS_BUILD)/html 2>/dev/null
	@own=$$(grep WARNING $(DOCS_BUILD)/warnings.log | grep -v -E "$(DOCS_EXTERNAL_LABELS)" || true); \
	if [ -n "$$own" ]; then echo "$$own"; echo "docs: warnings above (see $(DOCS_BUILD)/warnings.log)"; exit 1; fi; \
	echo "docs: $$(grep -c WARNING $(DOCS_BUILD)/warnings.log || true) links to docs.ansible.com pages left as text (no intersphinx offline)"
	@echo "docs: open $(CURDIR)/$(DOCS_BUILD)/html/index.html"
