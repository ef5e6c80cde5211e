"""Routes of the benchmarks resource (placeholder until implemented)."""

from fastapi import APIRouter

router = APIRouter()
