"""IIIF: the Image API 3.0 for every scan page and Presentation API 3.0 manifests."""
