namespace CrossBackend.Keras; internal static class Placeholder {}
