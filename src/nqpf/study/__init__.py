"""What only the workflow needs: a study's configuration and its checks, the analysis frame of its results,
its table plan, the logging of a job, the provenance manifest and the demo data-generating process."""
