{
  "targets": [
    {
      "target_name": "bpfscope_native",
      "sources": [
        "addon.cc",
        "errors.cc",
        "bpf_object.cc",
        "bpf_attach.cc",
        "bpf_maps.cc",
        "ring_buffer.cc",
        "probes.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "NAPI_VERSION=8"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Werror", "-Wno-missing-field-initializers"],
      "libraries": ["-lbpf", "-lelf", "-lz"]
    }
  ]
}
