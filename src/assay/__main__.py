"""``python -m assay``: the ``assay`` command, for launchers that run a module (``accelerate launch -m``)."""

from assay.cli import main

if __name__ == "__main__":
    main()
