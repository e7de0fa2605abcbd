package io.stevedore.securitygate.image;

/** An image that cannot be read: corrupt, tampered with, too large or of an unknown kind. */
public class ImageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ImageException(String message) {
    super(message);
  }

  public ImageException(String message, Throwable cause) {
    super(message, cause);
  }
}
