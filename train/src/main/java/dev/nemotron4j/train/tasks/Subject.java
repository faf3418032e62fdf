package dev.nemotron4j.train.tasks;

import java.util.List;

/**
 * Something a user may ask the instruction-following environment to describe, with a few simple facts to answer
 * from. The first fact is short (at most {@link #SHORT_FACT_WORDS} words) and names the subject, so every answer can
 * start with it and still fit the smallest word limit.
 *
 * @param name   the word an answer must mention ({@code sea})
 * @param phrase how a request names it ({@code the sea})
 * @param facts  sentences about it, the short one first
 */
public record Subject(String name, String phrase, List<String> facts) {

    public static final int SHORT_FACT_WORDS = 5;

    public Subject {
        facts = List.copyOf(facts);
        if (facts.size() < 3) throw new IllegalArgumentException(name + ": a subject needs at least three facts");
        if (WordCount.of(facts.getFirst()) > SHORT_FACT_WORDS) {
            throw new IllegalArgumentException(name + ": the first fact must have at most " + SHORT_FACT_WORDS + " words");
        }
        if (!facts.getFirst().toLowerCase(java.util.Locale.ROOT).contains(name)) {
            throw new IllegalArgumentException(name + ": the first fact must name the subject");
        }
    }

    /** The built-in subjects. */
    public static final List<Subject> ALL = List.of(
            new Subject("sea", "the sea", List.of("The sea is vast.", "It covers most of the planet.",
                    "Its water is salty.", "Waves roll onto the shore.", "Many fish and whales live in it.")),
            new Subject("sun", "the sun", List.of("The sun is a star.", "It gives us light and heat.",
                    "It rises in the east.", "Plants need its light to grow.", "It is very far away.")),
            new Subject("moon", "the moon", List.of("The moon circles the earth.", "It shines at night.",
                    "Its shape seems to change each week.", "It pulls on the tides.", "People have walked on it.")),
            new Subject("forest", "a forest", List.of("A forest has many trees.", "Birds sing in the branches.",
                    "The ground is soft with leaves.", "Deer and foxes hide there.", "It is cool in the shade.")),
            new Subject("rain", "the rain", List.of("Rain falls from clouds.", "It makes the streets wet.",
                    "Plants drink the water.", "People carry umbrellas.", "The air smells fresh after it.")),
            new Subject("city", "a city", List.of("A city is busy.", "Many people live close together.",
                    "Tall buildings line the streets.", "Buses and trains carry workers.", "Shops stay open late.")),
            new Subject("mountain", "a mountain", List.of("A mountain is very tall.", "Its top can be covered in snow.",
                    "The air is thin up high.", "Climbers need strong legs.", "The view from the top is wide.")),
            new Subject("river", "a river", List.of("A river flows downhill.", "It starts in the hills.",
                    "It ends in a lake or the sea.", "Boats travel along it.", "Fish swim against the current.")),
            new Subject("cat", "a cat", List.of("A cat is a pet.", "It has soft fur and sharp claws.",
                    "It sleeps for much of the day.", "It likes to chase mice.", "It purrs when it is happy.")),
            new Subject("dog", "a dog", List.of("A dog is loyal.", "It wags its tail when it is glad.",
                    "It likes long walks.", "It can learn many tricks.", "It barks at strangers.")),
            new Subject("bread", "bread", List.of("Bread is baked food.", "It is made from flour and water.",
                    "Yeast makes it rise.", "It smells warm from the oven.", "People eat it every day.")),
            new Subject("winter", "winter", List.of("Winter is the cold season.", "Days are short and nights are long.",
                    "Snow may cover the ground.", "People wear coats and scarves.", "Lakes can freeze over.")),
            new Subject("summer", "summer", List.of("Summer is the warm season.", "The days are long.",
                    "Children play outside.", "Many people go to the beach.", "Fruit grows ripe and sweet.")),
            new Subject("garden", "a garden", List.of("A garden grows plants.", "Flowers bloom in spring.",
                    "Bees visit the blossoms.", "Vegetables grow in neat rows.", "It needs water and care.")),
            new Subject("library", "a library", List.of("A library holds books.", "People read there in quiet.",
                    "You can borrow books for free.", "Shelves reach the ceiling.", "Librarians help you find things.")),
            new Subject("train", "a train", List.of("A train runs on rails.", "It pulls many cars.",
                    "It stops at stations.", "It can carry people or goods.", "Some trains are very fast.")),
            new Subject("bicycle", "a bicycle", List.of("A bicycle has two wheels.", "You push the pedals to move.",
                    "It needs no fuel.", "A bell warns people nearby.", "Riding it keeps you fit.")),
            new Subject("ocean", "the ocean", List.of("The ocean is deep.", "It holds most of the water on earth.",
                    "Strong currents move through it.", "Coral reefs grow in warm parts.", "Ships cross it for weeks.")),
            new Subject("desert", "a desert", List.of("A desert is dry.", "Rain almost never falls there.",
                    "Sand dunes shift in the wind.", "Days are hot and nights are cold.", "Cactus plants store water.")),
            new Subject("island", "an island", List.of("An island sits in water.", "You reach it by boat.",
                    "Some islands are tiny.", "Beaches often ring the coast.", "Birds nest on its cliffs.")),
            new Subject("music", "music", List.of("Music is organized sound.", "It has rhythm and melody.",
                    "People sing and dance to it.", "Instruments make many tones.", "It can make you feel calm.")),
            new Subject("school", "a school", List.of("A school teaches children.", "Teachers lead the lessons.",
                    "Pupils sit at desks.", "A bell marks each break.", "Students learn to read and count.")),
            new Subject("computer", "a computer", List.of("A computer processes data.", "It follows a program.",
                    "It stores files on a disk.", "A screen shows its output.", "It can do sums very fast.")),
            new Subject("tree", "a tree", List.of("A tree grows tall.", "Its roots reach deep underground.",
                    "Leaves grow on its branches.", "Its trunk is covered in bark.", "It can live for centuries.")),
            new Subject("snow", "snow", List.of("Snow is frozen water.", "It falls as soft white flakes.",
                    "Children build snowmen.", "It muffles sound.", "It melts when the sun comes out.")),
            new Subject("coffee", "coffee", List.of("Coffee is a hot drink.", "It is made from roasted beans.",
                    "It tastes bitter.", "Many people drink it in the morning.", "It helps people stay awake.")),
            new Subject("market", "a market", List.of("A market sells goods.", "Stalls line the square.",
                    "Farmers bring fresh food.", "Sellers call out their prices.", "It is loud and crowded.")),
            new Subject("bridge", "a bridge", List.of("A bridge spans a gap.", "It lets people cross a river.",
                    "Some bridges are made of stone.", "Cars and trucks drive over it.", "Its arches carry the weight.")),
            new Subject("storm", "a storm", List.of("A storm brings strong wind.", "Dark clouds fill the sky.",
                    "Thunder rumbles loudly.", "Lightning flashes bright.", "Heavy rain pours down.")),
            new Subject("star", "a star", List.of("A star shines far away.", "It is a huge ball of hot gas.",
                    "It looks like a point of light.", "Some stars are bigger than the sun.", "Sailors used stars to steer.")),
            new Subject("kitchen", "a kitchen", List.of("A kitchen is for cooking.", "It has a stove and a sink.",
                    "Pots hang on the wall.", "The fridge keeps food cold.", "It smells of spices.")),
            new Subject("horse", "a horse", List.of("A horse is strong.", "It can run very fast.",
                    "It eats grass and hay.", "People ride on its back.", "It sleeps standing up.")));
}
