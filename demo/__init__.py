"""Demo data: Operasi Mantap Praja Semeru 2024 in the Polres Kediri Kota jurisdiction.

`demo.seed.demo_seed()` builds it in one transaction; the management command
`seed_kediri_2024` is its only caller. It lives in `opsboard` because it writes to every app
(imports go opsboard → coordination → deployments → tps).

What is real and what is not: the places and their boundaries, the 839 TPS per desa (an
estimate, tps/data/SOURCES.md), the headcounts, the named officials and the rakor of 13 Aug
2024 come from public sources. TPS addresses, points and voters, every other name, NRP, phone
number, Sprin number and all assignments are synthetic, and are labelled so in the data.
"""
