"""The eval suite: validated YAML cases, suites run through the real graph, metrics, thresholds, reports."""
