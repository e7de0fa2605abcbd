package io.stevedore.securitygate.version;

/** A version string that its ecosystem's scheme cannot read. */
public class InvalidVersionException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public InvalidVersionException(String scheme, String version, String reason) {
    super(scheme + " version '" + version + "' is invalid: " + reason);
  }
}
