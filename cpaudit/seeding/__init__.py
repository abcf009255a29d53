"""The seeders: the demo data of `make run` (demo.py) and the benchmark province
(scale/), behind the `seed_demo` and `seed_scale` commands."""
