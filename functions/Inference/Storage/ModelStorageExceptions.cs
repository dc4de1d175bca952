namespace Inference.Storage;

/// <summary>The model file could not be obtained; the message says where from and why.</summary>
public class ModelStorageException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The bucket, key or version does not exist.</summary>
public sealed class ModelNotFoundException(string message, Exception? inner = null) : ModelStorageException(message, inner);

/// <summary>The function's role may not read the object.</summary>
public sealed class ModelAccessDeniedException(string message, Exception? inner = null) : ModelStorageException(message, inner);

/// <summary>The bytes received do not match the declared size or sha256.</summary>
public sealed class ModelIntegrityException(string message) : ModelStorageException(message);

/// <summary>The file could not be written to the local cache, for example because the disk is full.</summary>
public sealed class ModelCacheWriteException(string message, Exception inner) : ModelStorageException(message, inner);
