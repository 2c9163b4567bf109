"""Deployment files (Compose, Kubernetes, systemd, nginx, backups); ``cluster.py`` runs the
production topology on one machine for ``make cluster`` and the smoke suite."""
