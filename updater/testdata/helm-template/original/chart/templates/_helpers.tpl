{{/* image: ghcr.io/org/app:1.0.0 # {"$imagepolicy": "apps:app"} */}}
