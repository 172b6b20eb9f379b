# lowlat: the single entry point. The two commands a new user needs:
#   make lab    provision the local lab end to end and print the audit report
#   make test   run the whole test suite (lint, unit, integration, Molecule)
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export CONTAINERS_CONF := $(CURDIR)/molecule/containers.conf
PYTEST_ARGS ?=

.PHONY: help setup lab lab-down test lint unit integration terraform molecule molecule-kernel lab-smoke ansible-doc sanity clean

help:
	@echo "make lab       provision the local lab (moto + podman hosts) and print the audit"
	@echo "make lab-down  tear the lab down"
	@echo "make test      whole test suite: lint, unit, integration, Terraform (validate, terraform test, apply to moto), engine, Molecule (containers and the QEMU VM), lab smoke"
	@echo "make lint | unit | integration | terraform | molecule | molecule-kernel | lab-smoke | ansible-doc | sanity   parts of 'make test'"

setup:
	@tools/install-system-deps.sh
	@tools/bootstrap-venv.sh

lab: setup
	@tools/lab.sh up

lab-down:
	@tools/lab.sh down

test: setup
	@tools/run-tests.sh all

lint: setup
	@tools/run-tests.sh lint

unit: setup
	@tools/run-tests.sh unit

integration: setup
	@tools/run-tests.sh integration

terraform: setup
	@tools/run-tests.sh terraform

molecule: setup
	@tools/run-tests.sh molecule

molecule-kernel: setup
	@tools/run-tests.sh molecule-kernel

lab-smoke: setup
	@tools/run-tests.sh lab

ansible-doc: setup
	@tools/run-tests.sh ansible-doc

sanity: setup
	@tools/run-tests.sh sanity

clean:
	rm -rf .cache .pytest_cache .ruff_cache .hypothesis
