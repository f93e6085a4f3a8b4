# The course's commands. `make lab` to learn, `make test` to check everything.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg --nbval-cell-timeout 600
# The stored outputs were made offline: notebooks run in that mode for tests, storing and timing,
# whatever the network (online, auto mode would load the real checkpoints and every output differs).
STORED_MODE := COURSE_MODE=offline HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 COURSE_PROGRESS=off
# Other CPU kernels and one thread, as on another machine: results of training differ a little.
OTHER_CPU := ATEN_CPU_CAPABILITY=default ONEDNN_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2 OMP_NUM_THREADS=1
TRAINING_NBS := notebooks/02_components.ipynb notebooks/04_trainer.ipynb notebooks/05_accelerate.ipynb
# JupyterLab refuses to run as root (Docker images, cloud notebooks) unless told it may.
LAB_FLAGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: install lab test unit test-portable test-real test-hub test-browser test-student student progress notebooks benchmark check-env test-latest test-host clean

install: $(STAMP)  ## venv with the pinned stack, the course in editable mode, a Jupyter kernel

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	$(BIN)/python -m course_utils.pretrained  # a real checkpoint, hash-checked, into your Hugging Face cache
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (hf-course)" >/dev/null
	touch $(STAMP)

lab: install  ## open the course in JupyterLab
	$(BIN)/jupyter lab $(LAB_FLAGS) notebooks/00_start_here.ipynb

check-env: install  ## the environment check of notebook 00, in a terminal
	$(BIN)/python -c "import course_utils, sys; sys.exit(0 if course_utils.check_environment() else 1)"

unit: install  ## unit tests of course_utils only
	$(BIN)/python -m pytest tests -q --ignore=tests/browser

test: install  ## unit tests, then every notebook under nbval with outputs compared
	$(STORED_MODE) $(BIN)/python -m pytest tests notebooks -q --ignore=tests/browser $(NBVAL)

test-portable: install  ## the notebooks that train, compared again under other CPU kernels and 1 thread
	$(STORED_MODE) $(OTHER_CPU) $(BIN)/python -m pytest $(TRAINING_NBS) -q $(NBVAL)

test-real: install  ## 02, 04, 05 with a real pretrained main model (all-MiniLM-L6-v2 from your cache), offline
	$(STORED_MODE) COURSE_MODEL=sentence-transformers/all-MiniLM-L6-v2 $(BIN)/python -m pytest $(TRAINING_NBS) -q --nbval-lax --nbval-current-env --nbval-cell-timeout 900

test-hub: install  ## every notebook against the real Hub (needs the network); outputs may differ
	COURSE_MODE=hub $(BIN)/python -m pytest notebooks -q --nbval-lax --nbval-current-env --nbval-cell-timeout 1200

test-browser: install  ## every notebook in a real JupyterLab + Chromium (needs: apt-get install chromium)
	$(BIN)/python -m pip install -q -r tests/browser/requirements.txt
	$(STORED_MODE) $(BIN)/python -m pytest tests/browser -q -rs

student: install  ## the student edition for instructors: notebooks without solutions, in student/
	$(BIN)/python scripts/student_edition.py

test-student: install  ## the student edition, each notebook run top to bottom
	$(STORED_MODE) $(BIN)/python scripts/student_edition.py --run

progress: install  ## your exercise results per notebook (RESET=1 forgets them)
	$(BIN)/python -m course_utils.exercises $(if $(RESET),--reset)

notebooks: install  ## re-run notebooks top to bottom and store their outputs (NB=03 for one)
	$(STORED_MODE) $(BIN)/python scripts/run_notebooks.py --store $(NB)

benchmark: install  ## wall time and peak memory of each notebook (nothing is stored)
	$(STORED_MODE) $(BIN)/python scripts/run_notebooks.py $(NB)

test-latest:  ## drift run: a fresh venv with the newest releases, every notebook must execute
	bash scripts/test_versions.sh

test-host:  ## the pins with the course GPU host's Transformers 5.17 (and the huggingface_hub 1.x it needs)
	bash scripts/test_versions.sh transformers==5.17.0 "huggingface_hub<2"

clean:
	rm -rf $(VENV) .standins
