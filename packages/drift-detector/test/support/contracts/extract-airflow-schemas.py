#!/usr/bin/env python3
"""Copies the request-body schemas the Airflow fakes enforce out of the saved Airflow contracts, verbatim (a property's
$ref is inlined), with the blob SHA of each source file, into airflow-request-schemas.json beside this script.

Usage (from the repository root): python3 packages/drift-detector/test/support/contracts/extract-airflow-schemas.py contracts/airflow
"""
import hashlib
import json
import sys
from pathlib import Path

import yaml

# (key in the output, contract file, schema name)
SCHEMAS = [
    ("airflow2.DAGRun", "airflow2-v1.yaml", "DAGRun"),
    ("airflow3.TriggerDAGRunPostBody", "airflow3-v2-rest-api.yaml", "TriggerDAGRunPostBody"),
    ("airflow3.DAGPatchBody", "airflow3-v2-rest-api.yaml", "DAGPatchBody"),
    ("airflow3.LoginBody", "airflow3-simple-auth-manager.yaml", "LoginBody"),
]


def git_blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def main() -> None:
    folder = Path(sys.argv[1])
    out = {}
    for key, file_name, schema_name in SCHEMAS:
        data = (folder / file_name).read_bytes()
        schemas = yaml.safe_load(data)["components"]["schemas"]
        schema = schemas[schema_name]
        for name, prop in schema.get("properties", {}).items():
            ref = prop.get("$ref")
            if ref:
                schema["properties"][name] = {**schemas[ref.rsplit("/", 1)[1]], "$inlined": ref}
        out[key] = {"source": {"file": file_name, "blob": git_blob_sha(data), "schema": schema_name}, "schema": schema}
    target = Path(__file__).with_name("airflow-request-schemas.json")
    target.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")


main()
