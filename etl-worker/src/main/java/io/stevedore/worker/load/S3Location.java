package io.stevedore.worker.load;

import java.net.URI;

/** {@code s3://bucket/prefix/}: the prefix empty or ending with a slash. */
record S3Location(String bucket, String prefix) {

  static S3Location parse(String uri) {
    URI u;
    try {
      u = URI.create(uri == null ? "" : uri);
    } catch (IllegalArgumentException e) {
      throw new InvalidTargetException("'" + uri + "' is not an s3://bucket/prefix/ location");
    }
    if (!"s3".equals(u.getScheme()) || u.getHost() == null || u.getHost().isBlank()) {
      throw new InvalidTargetException("'" + uri + "' is not an s3://bucket/prefix/ location");
    }
    String path = u.getPath() == null ? "" : u.getPath();
    String prefix = path.startsWith("/") ? path.substring(1) : path;
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    return new S3Location(u.getHost(), prefix);
  }

  String uri(String key) {
    return "s3://" + bucket + "/" + key;
  }
}
