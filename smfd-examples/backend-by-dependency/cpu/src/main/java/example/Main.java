package example;

import io.smfd.Deblurrer;

/** Prints the backend SMFD picks from whatever runtime artifact is on the class path. */
public final class Main {
    public static void main(String[] args) {
        try (Deblurrer deblurrer = Deblurrer.create()) {
            System.out.println("SMFD backend: " + deblurrer.backendName() + " (" + deblurrer.device() + ")");
        }
    }
}
