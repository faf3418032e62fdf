package dev.nemotron4j.engine.generation;

/** The scheduler's waiting queue is full; try again later. */
public class QueueFullException extends RuntimeException {
    public QueueFullException(String message) {
        super(message);
    }
}
